package net.portcullis.gateway.session;

/**
 * The end of every refusal: {@code [ref 7QX2K9AB]}, and the page that explains it when
 * review.ref_url is set, so a sender whose mail was refused can find out why without writing
 * to the postmaster first.
 */
public final class RefNote {
    private RefNote() {
    }

    public static String of(String ref, String urlTemplate) {
        return urlTemplate == null ? "[ref " + ref + "]" : "[ref " + ref + "] " + urlTemplate.replace("{ref}", ref);
    }
}
