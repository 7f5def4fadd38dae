package net.portcullis.gateway.config;

/** An "address:port" pair; IPv6 addresses in brackets: "[::1]:2525". */
public record HostPort(String host, int port) {
    public static HostPort parse(String key, String text, boolean allowZeroPort) throws ConfigException {
        String host;
        String port;
        if (text.startsWith("[")) {
            int end = text.indexOf(']');
            if (end < 0 || end + 1 >= text.length() || text.charAt(end + 1) != ':') {
                throw ConfigException.of(key, text, "is not of the form [ipv6]:port");
            }
            host = text.substring(1, end);
            port = text.substring(end + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || text.indexOf(':') != colon) {
                throw ConfigException.of(key, text, "is not of the form address:port (IPv6 in brackets: [::1]:25)");
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
        }
        if (!port.matches("\\d{1,5}")) {
            throw ConfigException.of(key, text, "has port '" + port + "', which is not a number");
        }
        int p = Integer.parseInt(port);
        if (p > 65535 || (p == 0 && !allowZeroPort)) {
            throw ConfigException.of(key, text, "has port " + p + ", outside 1-65535");
        }
        return new HostPort(host, p);
    }

    @Override
    public String toString() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
