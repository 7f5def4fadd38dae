package net.portcullis.policy.checks;

import java.util.ArrayList;
import java.util.List;
import net.portcullis.policy.Check;
import net.portcullis.policy.Check.Spec;
import net.portcullis.policy.Event;
import net.portcullis.policy.Signal;
import net.portcullis.policy.rate.RateLimits;
import net.portcullis.rules.SignalSpec;
import net.portcullis.rules.Stage;
import net.portcullis.rules.Type;

/**
 * The rate limits as signals: for each limit whose events are known at this stage,
 * {@code rate.SUBJECT.COUNT.over} (past its maximum in its window) and {@code …count} (about how
 * many in the last window: attempts for a client or network, this one included; delivered mail
 * for a sender domain, AUTH user or recipient). It only reads: the gateway counts each event as it happens, so a
 * check run twice (the relay pre-check, `rules test`) never counts twice. Every pair a limit can
 * be is in the catalogue, so a rule file does not break when a limit is turned off; an off limit
 * is never over.
 */
public final class RateCheck implements Check {
    private final RateLimits limits;
    private final Spec spec;
    private final Stage stage;

    public RateCheck(RateLimits limits, Stage stage) {
        this.limits = limits;
        this.stage = stage;
        this.spec = Spec.inline(checkName(), checkStage(), signals());
    }

    private String checkName() {
        return "rate-" + stage.keyword();
    }

    private Stage checkStage() {
        return stage;
    }

    private List<SignalSpec> signals() {
        List<SignalSpec> out = new ArrayList<>();
        for (RateLimits.Subject s : RateLimits.Subject.values()) {
            for (RateLimits.Count c : RateLimits.Count.values()) {
                RateLimits.Limit l = new RateLimits.Limit(s, c, 1, java.time.Duration.ofHours(1));
                if (!RateLimits.Limit.valid(s, c) || l.stage() != stage) {
                    continue;
                }
                String what = c.word().replace('_', ' ') + " per " + s.word().replace('_', ' ');
                out.add(new SignalSpec(l.signal() + ".over", Type.BOOL, stage, what + " is over its limit (ratelimit.limits." + s.word() + "."
                        + c.word() + "); false when the limit is off", "false"));
                out.add(new SignalSpec(l.signal() + ".count", Type.NUMBER, stage, "about how many " + what + " in the limit's window, "
                        + (l.countsDelivered() ? "delivered (not counting this one)" : "this one included"), "3"));
            }
        }
        return out;
    }

    @Override
    public Spec spec() {
        return spec;
    }

    @Override
    public List<Signal> run(Event e) {
        RateLimits.Who who = new RateLimits.Who(e.client().address(), e.sender(), e.client().authUser(),
                e.recipient() == null ? null : e.recipient().toString());
        List<Signal> out = new ArrayList<>();
        for (RateLimits.Limit l : limits.at(stage)) {
            double level;
            try {
                level = limits.level(l, who);
            } catch (IllegalStateException unavailable) {
                // redis.fail: closed — rules reading this limit fail temporarily (451), never pass or refuse for good
                out.add(Signal.unavailable(l.signal() + ".over", unavailable.getMessage(), false));
                out.add(Signal.unavailable(l.signal() + ".count", unavailable.getMessage(), false));
                continue;
            }
            if (level < 0) {
                out.add(Signal.of(l.signal() + ".over", false, "no " + l.subject().word().replace('_', ' ') + " to count by"));
                out.add(new Signal(l.signal() + ".count", 0L, "no " + l.subject().word().replace('_', ' ') + " to count by"));
                continue;
            }
            long n = (long) Math.ceil(level);
            String why = "about " + n + " in the last " + human(l.window()) + ", limit " + l.max();
            out.add(Signal.of(l.signal() + ".over", l.over(level), why));
            out.add(new Signal(l.signal() + ".count", n, why));
        }
        return out;
    }

    static String human(java.time.Duration d) {
        long s = d.toSeconds();
        return s % 86_400 == 0 ? s / 86_400 + "d" : s % 3600 == 0 ? s / 3600 + "h" : s % 60 == 0 ? s / 60 + "m" : s + "s";
    }
}
