{
  "targets": [
    {
      "target_name": "audit_hmac",
      "sources": ["native/audit_hmac.c"],
      "cflags": ["-O2", "-Wall", "-Wno-deprecated-declarations"]
    }
  ]
}
