package net.portcullis.gateway.session;

import net.portcullis.rules.Reply;

/** A refusal the gateway decides itself: the reply, what decided it (a config key or a step) and why, for the record. */
public record Refusal(Reply reply, String by, String why) { }
