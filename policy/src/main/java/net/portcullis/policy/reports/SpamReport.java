package net.portcullis.policy.reports;

import java.util.List;

/**
 * What a user's spam report says, and no more: who reported, the reported message's source
 * address (the client our gateway saw), its sender domain, Message-ID and
 * URLs, and a SHA-256 of the reported message — never the message itself.
 *
 * @param originalRecipients the ARF Original-Rcpt-To addresses: the users who complained to a
 *                           feedback-loop provider, each of whom counts as a reporter
 */
public record SpamReport(String reporter, String feedbackType, String sourceIp, String senderDomain, String messageId,
                         List<String> urls, String messageHash, List<String> originalRecipients) { }
