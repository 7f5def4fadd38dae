package net.portcullis.policy.reports;

import java.util.List;

/**
 * What a user's spam report says, and no more: who reported, the reported message's source
 * address (the first hop outside our trusted networks), its sender domain, Message-ID and
 * URLs, and a SHA-256 of the reported message — never the message itself.
 */
public record SpamReport(String reporter, String feedbackType, String sourceIp, String senderDomain, String messageId,
                         List<String> urls, String messageHash) { }
