package net.portcullis.rules;

/** What a rule does when its condition holds. */
public sealed interface Action {
    /** Whether this action ends the stage (the first terminal action of a stage decides). */
    boolean terminal();

    String describe();

    record Accept() implements Action {
        public boolean terminal() {
            return true;
        }

        public String describe() {
            return "accept";
        }
    }

    /** accept, in the relay stage: this recipient may be relayed. */
    record Permit() implements Action {
        public boolean terminal() {
            return true;
        }

        public String describe() {
            return "permit";
        }
    }

    record Refuse(int code, String status, Template text) implements Action {
        public boolean terminal() {
            return true;
        }

        public String describe() {
            return (code >= 500 ? "reject " : "tempfail ") + code + " " + status;
        }
    }

    /** Keep the message, encrypted, for review instead of relaying it (data stage only). */
    record Hold(Template reason) implements Action {
        public boolean terminal() {
            return true;
        }

        public String describe() {
            return "hold";
        }
    }

    record Tag(String header, Template value) implements Action {
        public boolean terminal() {
            return false;
        }

        public String describe() {
            return "tag " + header;
        }
    }

    record Score(long points) implements Action {
        public boolean terminal() {
            return false;
        }

        public String describe() {
            return "score " + points;
        }
    }
}
