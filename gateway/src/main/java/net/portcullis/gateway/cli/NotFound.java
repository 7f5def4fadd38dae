package net.portcullis.gateway.cli;

/**
 * What a command was asked about is not there (a reference, a held message, a list entry): exit 1,
 * as opposed to a malformed request (exit 2). README "Exit codes" has the whole convention.
 */
final class NotFound extends RuntimeException {
    NotFound(String message) {
        super(message, null, false, false);
    }
}
