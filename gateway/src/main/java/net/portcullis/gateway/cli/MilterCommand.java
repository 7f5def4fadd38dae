package net.portcullis.gateway.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The gateway as a milter only: the MTA stays on port 25 and asks us (docs/milter.md). */
@Command(name = "milter", description = {"Run the gateway as a milter server only (milter.listen), in the foreground until SIGTERM "
        + "or SIGINT: Postfix (smtpd_milters) or Sendmail (INPUT_MAIL_FILTER) asks the same policy about each message.",
        "The SMTP listeners stay closed; `serve` runs both when milter.listen is set."})
final class MilterCommand implements Callable<Integer> {
    @Option(names = "--config", description = "gateway configuration (default: ${DEFAULT-VALUE})", defaultValue = "conf/milter.yaml")
    Path config;

    @Override
    public Integer call() throws Exception {
        return ServeCommand.run(config, true);
    }
}
