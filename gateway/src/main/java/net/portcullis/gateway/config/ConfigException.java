package net.portcullis.gateway.config;

/** A configuration problem: names the key, the value and what is wrong. The gateway does not start. */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }

    public static ConfigException of(String key, Object value, String problem) {
        return new ConfigException(key + ": " + (value == null ? "(missing)" : "'" + value + "'") + " " + problem);
    }
}
