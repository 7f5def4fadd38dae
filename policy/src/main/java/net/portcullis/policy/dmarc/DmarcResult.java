package net.portcullis.policy.dmarc;

/**
 * DMARC's verdict for a message: result (pass, fail, none, temperror, permerror), the From
 * domain, the policy that applies to it (null without a record), pct, and why.
 */
public record DmarcResult(String result, String fromDomain, String policy, int pct, boolean spfAligned,
                          boolean dkimAligned, String record, String reason) { }
