package dev.dora.launcher.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * CPU time and resident memory of a process, read from Linux's {@code /proc} (the dora process under test is a
 * child JVM, so its own {@code OperatingSystemMXBean} is out of reach); empty where {@code /proc} is not there.
 */
final class ProcStats {

    private static final long CLOCK_TICKS = clockTicks();

    private ProcStats() {
    }

    /** User plus system CPU seconds the process has used so far. */
    static OptionalDouble cpuSeconds(final long pid) {
        try {
            final String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
            // the command name may hold spaces and parentheses: fields are counted from the last ')'
            final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            final long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (14 and 15)
            return OptionalDouble.of((double) ticks / CLOCK_TICKS);
        } catch (final IOException | RuntimeException e) {
            return OptionalDouble.empty();
        }
    }

    /** CPU seconds of this JVM (the harness itself: generator, importer, load clients). */
    static double ownCpuSeconds() {
        final var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime() / 1e9;
        }
        return Double.NaN;
    }

    /** Resident memory now ({@code VmRSS}), in bytes. */
    static OptionalLong residentBytes(final long pid) {
        return statusField(pid, "VmRSS:");
    }

    /** The most resident memory the process ever had ({@code VmHWM}), in bytes. */
    static OptionalLong peakResidentBytes(final long pid) {
        return statusField(pid, "VmHWM:");
    }

    /** The 1, 5 and 15 minute load averages as {@code /proc/loadavg} states them, e.g. {@code 1.23 0.93 0.41}. */
    static String loadAverage() {
        try {
            final String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (final IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static OptionalLong statusField(final long pid, final String field) {
        try {
            for (final String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field)) {
                    final String[] parts = line.substring(field.length()).trim().split("\\s+");
                    return OptionalLong.of(Long.parseLong(parts[0]) * 1024); // kB
                }
            }
            return OptionalLong.empty();
        } catch (final IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    private static long clockTicks() {
        try {
            final Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            final String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (getconf.waitFor(5, TimeUnit.SECONDS) && getconf.exitValue() == 0) {
                return Long.parseLong(out);
            }
        } catch (final IOException | RuntimeException e) {
            // fall through to Linux's usual value
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100;
    }
}
