# Portcullis: a message moved into Junk is reported as spam by the user who moved it.
require ["vnd.dovecot.pipe", "copy", "imapsieve", "environment", "variables"];

if environment :matches "imap.user" "*" {
  set "username" "${1}";
}
pipe :copy "portcullis-report" ["spam", "${username}"];
