package net.portcullis.rules;

/**
 * An entry of the signal catalogue: what a rule may name. The stage is the earliest at which
 * the signal exists; rules of earlier stages may not use it.
 */
public record SignalSpec(String name, Type type, Stage stage, String meaning, String example) { }
