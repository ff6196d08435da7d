package dev.dora.ingest;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Enum constants as the ingest edge reads them from JSON strings, and as its rejections list them. */
final class EnumValues {

    private EnumValues() {
    }

    /** The constant named {@code text}, exactly or in any case; null when none is. */
    static <E extends Enum<E>> E named(final Class<E> type, final String text, final boolean ignoreCase) {
        for (final E constant : type.getEnumConstants()) {
            if (ignoreCase ? constant.name().equalsIgnoreCase(text) : constant.name().equals(text)) {
                return constant;
            }
        }
        return null;
    }

    /** The constants' names, as a rejection lists what is allowed: {@code A, B, C}. */
    static <E extends Enum<E>> String allowed(final Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
    }
}
