"""A test PKI made with the openssl CLI at test time: a CA, certificates it issued, and a second
unrelated CA (the TLS tests, and Keystone behind TLS)."""
import os
import subprocess


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


class Pki:
    """A CA, certificates it issued, and a second unrelated CA, all in `root`."""

    def __init__(self, root):
        self.root = str(root)
        self.ca = self._ca("ca")
        self.other_ca = self._ca("other-ca")
        self.server = self.issue("server", "ca", san="DNS:localhost,IP:127.0.0.1")
        self.server2 = self.issue("server2", "ca", san="DNS:localhost,IP:127.0.0.1")
        self.wrong_name = self.issue("wrong-name", "ca", san="DNS:elsewhere.example")
        self.expired = self.issue("expired", "ca", san="DNS:localhost,IP:127.0.0.1", days=-1)
        self.untrusted = self.issue("untrusted", "other-ca", san="DNS:localhost,IP:127.0.0.1")
        self.client = self.issue("client", "ca", client=True)
        self.stranger = self.issue("stranger", "other-ca", client=True)

    def path(self, name):
        return os.path.join(self.root, name)

    def _ca(self, name):
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", f"{name}.key", "-out", f"{name}.pem", "-days", "2",
                "-subj", f"/CN=Warren test {name}", cwd=self.root)
        return self.path(f"{name}.pem")

    def issue(self, name, ca, san=None, days=1, client=False):
        """Returns (cert, key) paths of a certificate `ca` issued."""
        openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={name}",
                cwd=self.root)
        with open(self.path(f"{name}.ext"), "w") as ext:
            if san:
                ext.write(f"subjectAltName={san}\n")
            ext.write("extendedKeyUsage=" + ("clientAuth" if client else "serverAuth") + "\n")
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key",
                "-CAcreateserial", "-out", f"{name}.pem", "-days", str(days),
                "-extfile", f"{name}.ext", cwd=self.root)
        return self.path(f"{name}.pem"), self.path(f"{name}.key")
