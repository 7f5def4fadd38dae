package net.portcullis.gateway.checks;

import java.util.List;
import net.portcullis.policy.Check;
import net.portcullis.policy.checks.LocalListCheck;
import net.portcullis.rules.Stage;

/** The local black- and whitelists (the store's {@code lists}, kept fresh by {@code store.refresh}), asked at connect and at MAIL. No settings of its own and no state. */
public final class LocalListsModule implements CheckModule<Void> {
    @Override
    public String name() {
        return "local-lists";
    }

    @Override
    public List<Check> build(CheckEnv env) {
        return List.of(new LocalListCheck(env.lists(), Stage.CONNECT), new LocalListCheck(env.lists(), Stage.MAIL));
    }
}
