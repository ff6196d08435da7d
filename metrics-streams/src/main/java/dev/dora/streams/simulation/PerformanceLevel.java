package dev.dora.streams.simulation;

/** The DORA performance clusters a simulated service behaves like. */
public enum PerformanceLevel {
    ELITE, HIGH, MEDIUM, LOW
}
