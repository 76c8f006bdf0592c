/// A self-signed certificate for 127.0.0.1 (valid for a hundred years), made for the TLS test with
/// `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -days 36500 -nodes
/// -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1`. No system trusts it, which is the point.
enum SelfSigned {
    static let certificate = """
-----BEGIN CERTIFICATE-----
MIIBjzCCATagAwIBAgIUNnitfZbPAmhOfzLIJAdySNmM7tQwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTEyNjE4MjcyOFoYDzIxMjYxMTAy
MTgyNzI4WjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAATnD9XZJrhEuABilTe6nvLOujtwmRbtxW968bfq1P8JFDjC6Sa868lE
PRPyEiAKhIhBNCW5XLmjirclr8yeX1ygo2QwYjAdBgNVHQ4EFgQU+f+tJjHBdYM7
QKmUZyo6ZPaWPxEwHwYDVR0jBBgwFoAU+f+tJjHBdYM7QKmUZyo6ZPaWPxEwDwYD
VR0TAQH/BAUwAwEB/zAPBgNVHREECDAGhwR/AAABMAoGCCqGSM49BAMCA0cAMEQC
IEfj+qO9oWNCRJQ/xIY6+apdVotxaHrvL1Yc2MmcCwTdAiAejtTVF8+gU8A1j/EW
evjyqe2VPHX4YWwPtHPSQHwmsw==
-----END CERTIFICATE-----
"""

    static let key = """
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQghEP7eIoXEI+b8gFK
li8wBI8aJiGjRnDCyF2lCco8a56hRANCAATnD9XZJrhEuABilTe6nvLOujtwmRbt
xW968bfq1P8JFDjC6Sa868lEPRPyEiAKhIhBNCW5XLmjirclr8yeX1yg
-----END PRIVATE KEY-----
"""
}
