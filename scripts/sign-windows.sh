#!/usr/bin/env bash
# sign-windows.sh FILE.exe signs FILE.exe in place with osslsigncode
# (Authenticode, SHA-256). package-windows.sh calls it when a certificate is
# configured; it can also be run on its own on a downloaded build.
#
#   WINDOWS_SIGN_PKCS12=/secure/cert.p12            certificate + key in one file, or
#   WINDOWS_SIGN_CERT=/secure/cert.pem WINDOWS_SIGN_KEY=/secure/key.pem
#   WINDOWS_SIGN_PASSWORD_FILE=/secure/pass.txt     (optional) the key's password, read from a file
#   WINDOWS_SIGN_TIMESTAMP_URL=http://ts.example    (optional) RFC 3161 timestamp server
#
# Keys never live in the repository: a file inside it is refused, and so is a
# password on the command line (use the file).
source "$(dirname "$0")/package.sh"

exe=${1:?usage: sign-windows.sh FILE.exe}
command -v osslsigncode >/dev/null || { echo "sign-windows: osslsigncode not found (apt-get install osslsigncode)" >&2; exit 1; }

for v in WINDOWS_SIGN_PKCS12 WINDOWS_SIGN_CERT WINDOWS_SIGN_KEY WINDOWS_SIGN_PASSWORD_FILE; do
	f=${!v:-}
	[ -n "$f" ] || continue
	[ -r "$f" ] || { echo "sign-windows: $v: cannot read $f" >&2; exit 1; }
	case "$(realpath -m "$f")/" in
	"$ROOT"/*) echo "sign-windows: $v=$f is inside the repository; keep signing keys out of it (a secret file outside the checkout)" >&2; exit 1 ;;
	esac
done

args=(sign -h sha256 -n "$APP_NAME")
if [ -n "${WINDOWS_SIGN_PKCS12:-}" ]; then
	args+=(-pkcs12 "$WINDOWS_SIGN_PKCS12")
elif [ -n "${WINDOWS_SIGN_CERT:-}" ] && [ -n "${WINDOWS_SIGN_KEY:-}" ]; then
	args+=(-certs "$WINDOWS_SIGN_CERT" -key "$WINDOWS_SIGN_KEY")
else
	echo "sign-windows: set WINDOWS_SIGN_PKCS12, or WINDOWS_SIGN_CERT and WINDOWS_SIGN_KEY" >&2
	exit 1
fi
[ -z "${WINDOWS_SIGN_PASSWORD_FILE:-}" ] || args+=(-readpass "$WINDOWS_SIGN_PASSWORD_FILE")
[ -z "${WINDOWS_SIGN_TIMESTAMP_URL:-}" ] || args+=(-ts "$WINDOWS_SIGN_TIMESTAMP_URL")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
osslsigncode "${args[@]}" -in "$exe" -out "$tmp/signed.exe" >/dev/null
mv "$tmp/signed.exe" "$exe"
log "signed $exe"
# Report the signer and whether the digest matches. Trust is not checked
# here: a self-signed test certificate fails it, a real one needs Windows.
v=$(osslsigncode verify -in "$exe" 2>&1 || true)
grep -m1 "Subject:" <<<"$v" | sed 's/^[[:space:]]*/  signer: /'
cur=$(sed -n 's/^Current message digest *: *//p' <<<"$v")
calc=$(sed -n 's/^Calculated message digest *: *//p' <<<"$v")
[ -n "$cur" ] && [ "$cur" = "$calc" ] || { echo "sign-windows: the signature's digest does not match the file" >&2; exit 1; }
echo "  digest matches"
