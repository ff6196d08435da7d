package dev.dora.streams.store;

import dev.dora.facts.FailureRule;
import java.nio.charset.StandardCharsets;

/**
 * The value of the charge relations ({@link IndexKeys.Charged}, {@link IndexKeys.Attributed}): the failure rule
 * that charges the deployment with the incident, as its symbol name, so the value survives a reordering of the enum.
 */
public final class RuleValue {

    private RuleValue() {
    }

    public static byte[] encode(final FailureRule rule) {
        return rule.name().getBytes(StandardCharsets.UTF_8);
    }

    public static FailureRule decode(final byte[] value) {
        return FailureRule.valueOf(new String(value, StandardCharsets.UTF_8));
    }
}
