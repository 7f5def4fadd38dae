# Portcullis: a message moved out of Junk is reported as not spam by the user who moved it;
# moved to Trash it is only deleted, and says nothing either way.
require ["vnd.dovecot.pipe", "copy", "imapsieve", "environment", "variables"];

if environment :matches "imap.mailbox" "*" {
  set "mailbox" "${1}";
}
if string "${mailbox}" "Trash" {
  stop;
}
if environment :matches "imap.user" "*" {
  set "username" "${1}";
}
pipe :copy "portcullis-report" ["ham", "${username}"];
