#!/usr/bin/python3
"""A gRPC client over TLS (python3-grpcio) for tests/integ/run_h2_tls.sh:
unary Echo and Fail (NOT_FOUND) of rawtel.test.Demo through nginx's
grpc_pass, with a traceparent in the call's metadata (nginx forwards it).
    h2_grpc_tls.py PORT CERT.pem TRACEPARENT"""
import sys

import grpc

port, cert, tp = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ident = lambda b: b
cred = grpc.ssl_channel_credentials(open(cert, "rb").read())
opts = (("grpc.ssl_target_name_override", "localhost"),)
with grpc.secure_channel("127.0.0.1:%d" % port, cred, opts) as ch:
    md = (("traceparent", tp),)
    print(ch.unary_unary("/rawtel.test.Demo/Echo", ident, ident)(b"ping", metadata=md, timeout=10))
    try:
        ch.unary_unary("/rawtel.test.Demo/Fail", ident, ident)(b"x", metadata=md, timeout=10)
    except grpc.RpcError as e:
        print("Fail", e.code())
