package dev.dora.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class RequestScopeTest {

    /** The organisation's metrics never list its services; a drill-down lists them once however often it asks. */
    @Test
    void theServicesInScopeAreListedOnlyWhenAskedAndOnce() {
        final AtomicInteger listings = new AtomicInteger();
        final RequestScope.InScope lazy = new RequestScope.InScope(() -> {
            listings.incrementAndGet();
            return List.of("checkout", "search");
        });
        assertEquals(0, listings.get(), "nothing listed before a route asks");
        assertEquals(List.of("checkout", "search"), lazy.get());
        assertEquals(List.of("checkout", "search"), lazy.get());
        assertEquals(1, listings.get());
        assertEquals(List.of("checkout"), new RequestScope.InScope(() -> List.of("checkout")).get());
    }
}
