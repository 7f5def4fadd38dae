package net.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import net.portcullis.gateway.proxy.SmtpCommands;
import org.junit.jupiter.api.Test;
import org.subethamail.smtp.internal.command.AuthCommand;
import org.subethamail.smtp.internal.server.BaseCommand;
import org.subethamail.smtp.internal.server.Command;
import org.subethamail.smtp.internal.server.CommandHandler;

/**
 * SubEthaSMTP's public API has no hook for our own commands, so {@link SmtpCommands} uses its
 * {@code internal} packages. This pins what it relies on, so that an upgrade that moves them
 * fails here, by name, instead of in traffic.
 */
class SubEthaContractTest {
    @Test
    void theCommandRegistryIsAMapKeyedByVerbThatAddCommandReplaces() throws Exception {
        CommandHandler h = new CommandHandler();
        Field f = CommandHandler.class.getDeclaredField("commandMap");
        assertThat(Map.class).isAssignableFrom(f.getType());
        assertThat(Modifier.isStatic(f.getModifiers())).isFalse();
        Command ours = new BaseCommand("NOOP", "ours") {
            @Override
            public void execute(String commandString, org.subethamail.smtp.server.Session sess) {
            }
        };
        h.addCommand(ours);
        assertThat(h.getCommand("NOOP")).isSameAs(ours);
        assertThat(h.getVerbs()).contains("NOOP", "MAIL", "RCPT", "DATA", "STARTTLS", "AUTH");
    }

    @Test
    void theDelegatesWeWrapExist() {
        assertThat(AuthCommand.VERB).isEqualTo("AUTH");
    }
}
