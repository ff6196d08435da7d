package dev.dora.streams.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.dora.streams.store.IndexKeys.Attributed;
import dev.dora.streams.store.IndexKeys.CauseDeployment;
import dev.dora.streams.store.IndexKeys.CauseSha;
import dev.dora.streams.store.IndexKeys.Charged;
import dev.dora.streams.store.IndexKeys.Child;
import dev.dora.streams.store.IndexKeys.IncidentTimeline;
import dev.dora.streams.store.IndexKeys.Rollback;
import dev.dora.streams.store.IndexKeys.ShaDeployment;
import dev.dora.streams.store.IndexKeys.Timeline;
import dev.dora.streams.store.IndexKeys.Uncaused;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.common.utils.Bytes;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The store keys are an on-disk and changelog format: every tag byte and one encoded example of every relation are
 * pinned here, as they were written before the keys became typed, so a change to a layout can only be deliberate
 * (and comes with a new {@code SEMANTICS_VERSION}).
 */
@Tag("unit")
class StoreKeysTest {

    private static final long AT = 1_700_000_000_000L;

    private static void pinned(final String hex, final Bytes key) {
        assertEquals(hex, HexFormat.of().formatHex(key.get()));
    }

    @Test
    void everyTagIsPinnedAndDistinct() {
        final List<Byte> tags = List.of(Entity.COMMIT.tag(), Entity.DEPLOYMENT.tag(), Entity.INCIDENT.tag(),
                Entity.DEPLOYMENT_FACT.tag(), Entity.INCIDENT_FACT.tag(), Child.TAG, Timeline.TAG, ShaDeployment.TAG,
                Entity.DELIVERED.tag(), Uncaused.TAG, CauseDeployment.TAG, CauseSha.TAG, Rollback.TAG, IncidentTimeline.TAG,
                Charged.TAG, Attributed.TAG, Entity.BUILD.tag(), BuildKeys.Timeline.TAG, BuildKeys.Finished.TAG);
        assertEquals("CDIFGktsMuxyroabBph", tags.stream().map(b -> String.valueOf((char) (byte) b))
                .collect(Collectors.joining()));
        final Set<Byte> distinct = Stream.of(tags).flatMap(List::stream).collect(Collectors.toSet());
        assertEquals(tags.size(), distinct.size());
    }

    /** The builds' keys and timeline values, pinned from their first release (issue 14). */
    @Test
    void theBuildsRelationsAndValuesArePinned() {
        pinned("4273686f7000622d3100", Entity.BUILD.key("shop", "b-1"));
        pinned("7073686f70006369008000018bcfe56800622d3100", new BuildKeys.Timeline("shop", "ci", AT, "b-1").encode());
        pinned("6873686f70008000018bcfe56800622d3100", new BuildKeys.Finished("shop", AT, "b-1").encode());
        final BuildKeys.TimelineValue value = new BuildKeys.TimelineValue((byte) 'S', false, 3_600L, 0.5, null);
        assertEquals("53020000000000000e1001" + "3fe0000000000000" + "000000000000000000",
                HexFormat.of().formatHex(value.encode()));
        assertEquals(value, BuildKeys.TimelineValue.decode(value.encode()));
        final BuildKeys.TimelineValue broke = new BuildKeys.TimelineValue((byte) 'F', true, null, null, AT);
        assertEquals(broke, BuildKeys.TimelineValue.decode(broke.encode()));
        assertEquals("ci", BuildKeys.coveragePipeline(BuildKeys.coverageKey("shop", "ci")));
    }

    @Test
    void everyRelationEncodesAsItAlwaysHas() {
        pinned("4373686f700061626300", Entity.COMMIT.key("shop", "abc"));
        pinned("6b73686f7000703100633100", new Child("shop", "p1", "c1").encode());
        pinned("7473686f700070726f64756374696f6e008000018bcfe56800642d3100",
                new Timeline("shop", "production", AT, "d-1").encode());
        pinned("7373686f70006162630070726f64756374696f6e008000018bcfe56800642d3100",
                new ShaDeployment("shop", "abc", "production", AT, "d-1").encode());
        // one value per deployment since state format 4, where it was an index entry per change ('m')
        pinned("4d73686f7000642d3100", Entity.DELIVERED.key("shop", "d-1"));
        pinned("7573686f700070726f64756374696f6e008000018bcfe56800692d3100",
                new Uncaused("shop", "production", AT, "i-1").encode());
        pinned("7873686f7000642d3100692d31006564676500", new CauseDeployment("shop", "d-1", "i-1", "edge").encode());
        pinned("7973686f700070726f64756374696f6e0061626300692d3100",
                new CauseSha("shop", "production", "abc", "i-1").encode());
        pinned("7273686f7000642d3100642d3200", new Rollback("shop", "d-1", "d-2").encode());
        pinned("6f73686f700070726f64756374696f6e007fffffffffffffff692d3100",
                new IncidentTimeline("shop", "production", -1L, "i-1").encode());
        pinned("6173686f7000642d31006564676500692d3100", new Charged("shop", "d-1", "edge", "i-1").encode());
        pinned("6273686f7000692d31006564676500642d3100", new Attributed("shop", "i-1", "edge", "d-1").encode());
        // bucket keys gained their scope's tag in semantics version 5, when teams and the organisation got rows
        pinned("7373686f700070726f64756374696f6e008000000000004e20",
                BucketKey.of(Scope.service("shop"), "production", 20_000L));
        pinned("74746561007000800000000001e240", BucketKey.of(Scope.team("tea"), "p", 123_456L));
        pinned("6f0070008000000000000001", BucketKey.of(Scope.ORGANISATION, "p", 1L));
        // month rows came with state format 2: span tag, then the scope's kind tag as a string
        pinned("4d6f000070008000000000004e20", BucketKey.of(Scope.ORGANISATION, Span.MONTH, "p", 20_000L));
        pinned("4d7400746561007000800000000001e240", BucketKey.of(Scope.team("tea"), Span.MONTH, "p", 123_456L));
        pinned("73686f7000", ServiceKey.of("shop"));
        pinned("642d3100692d31006564676500", new ClaimKey("d-1", "i-1", "edge").encode());
    }

    @Test
    void everyRelationDecodesWhatItEncodes() {
        final List<Object> keys = List.of(new Child("s", "p", "c"), new Timeline("s", "g", AT, "d"),
                new ShaDeployment("s", "sha", "g", -AT, "d"),
                new Uncaused("s", "g", AT, "i"), new CauseDeployment("s", "d", "i", "t"),
                new CauseSha("s", "g", "sha", "i"), new Rollback("s", "d", "r"), new IncidentTimeline("s", "g", 0, "i"),
                new Charged("s", "d", "t", "i"), new Attributed("s", "i", "t", "d"), new BucketKey(Scope.team("s"), "g", 3),
                new ClaimKey("d", "i", "s"), new BucketKey(Scope.ORGANISATION, Span.MONTH, "g", -4),
                new BucketKey(Scope.team("s"), Span.MONTH, "g", BucketKey.LIFETIME));
        assertEquals(keys, List.of(Child.decode(new Child("s", "p", "c").encode()),
                Timeline.decode(new Timeline("s", "g", AT, "d").encode()),
                ShaDeployment.decode(new ShaDeployment("s", "sha", "g", -AT, "d").encode()),
                Uncaused.decode(new Uncaused("s", "g", AT, "i").encode()),
                CauseDeployment.decode(new CauseDeployment("s", "d", "i", "t").encode()),
                CauseSha.decode(new CauseSha("s", "g", "sha", "i").encode()),
                Rollback.decode(new Rollback("s", "d", "r").encode()),
                IncidentTimeline.decode(new IncidentTimeline("s", "g", 0, "i").encode()),
                Charged.decode(new Charged("s", "d", "t", "i").encode()),
                Attributed.decode(new Attributed("s", "i", "t", "d").encode()),
                BucketKey.decode(new BucketKey(Scope.team("s"), "g", 3).encode()),
                ClaimKey.decode(new ClaimKey("d", "i", "s").encode()),
                BucketKey.decode(BucketKey.of(Scope.ORGANISATION, Span.MONTH, "g", -4)),
                BucketKey.decode(BucketKey.of(Scope.team("s"), Span.MONTH, "g", BucketKey.LIFETIME))));
        assertEquals("abc", Entity.id(Entity.COMMIT.key("shop", "abc")));
    }

    @Test
    void prefixesAreThePrefixesOfTheirKeys() {
        final byte[] key = new Timeline("shop", "production", AT, "d-1").encode().get();
        for (final Bytes prefix : List.of(Timeline.prefix("shop", "production"),
                Timeline.prefix("shop", "production", AT))) {
            assertEquals(HexFormat.of().formatHex(prefix.get()),
                    HexFormat.of().formatHex(java.util.Arrays.copyOf(key, prefix.get().length)));
        }
    }
}
