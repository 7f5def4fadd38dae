package net.portcullis.gateway.checks;

import java.time.Clock;
import java.util.List;
import net.portcullis.policy.Check;
import net.portcullis.policy.checks.HeaderCheck;
import net.portcullis.policy.checks.MessageCheck;

/** The message's size and header sanity (From, Date, Message-ID, Received chain), against our host name and domains. No settings of its own and no state. */
public final class MessageModule implements CheckModule<Void> {
    @Override
    public String name() {
        return "message";
    }

    @Override
    public List<Check> build(CheckEnv env) {
        return List.of(new MessageCheck(), new HeaderCheck(env.config().hostname(), env.config().domains(), Clock.systemUTC()));
    }
}
