package net.portcullis.policy.reports;

import java.util.List;

/**
 * What a user's spam report says, and no more: who reported, the reported message's source
 * address (the client our gateway saw), its sender domain, Message-ID and
 * URLs, and a SHA-256 of the reported message — never the message itself.
 *
 * @param originalRecipients the ARF Original-Rcpt-To addresses: the users who complained to a
 *                           feedback-loop provider, each of whom counts as a reporter
 * @param sourceIp           empty when the message carries no Received field of ours and the report no Source-IP
 * @param ref                the id of our Received field (our decision's reference), or null
 * @param headers            the reported message's header block with our users' addresses redacted
 *                           (Redaction), kept only for outgoing abuse reports; else null
 */
public record SpamReport(String reporter, String feedbackType, String sourceIp, String senderDomain, String messageId,
                         List<String> urls, String messageHash, List<String> originalRecipients, String ref, String headers) {
    /** Whether the report names the client we saw (else it is kept, and counts for nothing). */
    public boolean sourceKnown() {
        return !sourceIp.isEmpty();
    }
}
