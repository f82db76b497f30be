// Prints the bcrypt hash ("$2a$10$...") of a password, made by bcryptjs (which @socket.io/admin-ui itself checks passwords with) for
// its basic authentication. Run by AdminUiClusterIT: node bcrypt-hash.mjs <password>
import bcrypt from "bcryptjs";

const [password] = process.argv.slice(2);
if (!password) {
  process.stderr.write("usage: node bcrypt-hash.mjs <password>\n");
  process.exit(2);
}
process.stdout.write(bcrypt.hashSync(password, 10) + "\n");
