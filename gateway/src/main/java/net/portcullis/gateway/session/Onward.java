package net.portcullis.gateway.session;

/**
 * Where a recipient goes once the policy accepted it: the proxy passes it to the protected
 * server at once (its answer is the client's); the milter leaves delivery to the MTA.
 */
public interface Onward {
    /** Nothing to pass on: the MTA delivers (milter). */
    Onward NONE = new Onward() { };

    /** Why no recipient can be taken any more in this transaction (the downstream session is lost), or null. */
    default Refusal lost() {
        return null;
    }

    /** Passes an accepted recipient on: null when taken, else why not. */
    default Refusal recipient(String path) {
        return null;
    }
}
