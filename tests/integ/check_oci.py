#!/usr/bin/env python3
"""Checks an OCI image layout made by scripts/deploy/oci-image against the
OCI image spec's rules (image-layout, index, manifest, config): every blob
is stored under its own sha256 with the size its descriptor says, the media
types are the spec's, the config's diff_ids are the uncompressed layers'
digests, the platform matches the binary's ELF machine, and the one layer
holds exactly /rawtel: a root-owned 0755 file equal to BINARY, statically
linked (no PT_INTERP). Usage: check_oci.py LAYOUT BINARY. Prints what is
wrong and exits 1, or prints "ok" and the manifest digest."""
import gzip
import hashlib
import io
import json
import os
import struct
import sys
import tarfile

MT_INDEX = "application/vnd.oci.image.index.v1+json"
MT_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
MT_CONFIG = "application/vnd.oci.image.config.v1+json"
MT_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"
ELF_ARCH = {0x3E: "amd64", 0xB7: "arm64", 0x28: "arm"}


def fail(msg):
    print("check_oci: " + msg)
    sys.exit(1)


def blob(layout, desc, media_type):
    if desc.get("mediaType") != media_type:
        fail("descriptor media type %r, want %r" % (desc.get("mediaType"), media_type))
    algo, _, hexd = desc["digest"].partition(":")
    if algo != "sha256" or len(hexd) != 64:
        fail("digest %r is not sha256:<64 hex>" % desc["digest"])
    data = open(os.path.join(layout, "blobs", "sha256", hexd), "rb").read()
    if hashlib.sha256(data).hexdigest() != hexd:
        fail("blob %s does not hash to its name" % hexd)
    if len(data) != desc["size"]:
        fail("blob %s is %d bytes, its descriptor says %d" % (hexd, len(data), desc["size"]))
    return data


def elf_static(data):
    if data[:4] != b"\x7fELF" or data[4] != 2:
        fail("/rawtel is not a 64-bit ELF file")
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    for i in range(phnum):
        ptype, = struct.unpack_from("<I", data, phoff + i * phentsize)
        if ptype == 3:
            fail("/rawtel has a PT_INTERP: dynamically linked, and the image has no libc")
    return ELF_ARCH.get(struct.unpack_from("<H", data, 18)[0])


def check_layer(data, binary):
    tar = tarfile.open(fileobj=io.BytesIO(data))
    members = tar.getmembers()
    if [m.name for m in members] != ["rawtel"]:
        fail("the layer holds %r, want only rawtel" % [m.name for m in members])
    m = members[0]
    if not m.isfile() or m.mode != 0o755 or m.uid != 0 or m.gid != 0:
        fail("rawtel in the layer: mode %o uid %d gid %d, want a 0755 root file" % (m.mode, m.uid, m.gid))
    if tar.extractfile(m).read() != binary:
        fail("rawtel in the layer differs from the binary")


def main():
    layout, binary = sys.argv[1], open(sys.argv[2], "rb").read()
    if json.load(open(os.path.join(layout, "oci-layout"))) != {"imageLayoutVersion": "1.0.0"}:
        fail("oci-layout is not imageLayoutVersion 1.0.0")
    index = json.load(open(os.path.join(layout, "index.json")))
    if index.get("schemaVersion") != 2 or index.get("mediaType") != MT_INDEX or len(index["manifests"]) != 1:
        fail("index.json: schemaVersion 2, the index media type and one manifest wanted")
    mdesc = index["manifests"][0]
    manifest = json.loads(blob(layout, mdesc, MT_MANIFEST))
    if manifest.get("schemaVersion") != 2 or manifest.get("mediaType") != MT_MANIFEST:
        fail("manifest: schemaVersion 2 and its media type wanted")
    config = json.loads(blob(layout, manifest["config"], MT_CONFIG))
    layers = [blob(layout, d, MT_LAYER) for d in manifest["layers"]]
    if len(layers) != 1:
        fail("%d layers, want 1" % len(layers))
    raw = gzip.decompress(layers[0])
    if config["rootfs"] != {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(raw).hexdigest()]}:
        fail("config rootfs.diff_ids is not the uncompressed layer's digest")
    arch = elf_static(binary)
    if config.get("os") != "linux" or config.get("architecture") != arch or \
            mdesc.get("platform") != {"architecture": arch, "os": "linux"}:
        fail("platform %s/%s (index %r), the binary is linux/%s" %
             (config.get("os"), config.get("architecture"), mdesc.get("platform"), arch))
    if config["config"].get("Entrypoint") != ["/rawtel"]:
        fail("entrypoint %r, want [\"/rawtel\"]" % config["config"].get("Entrypoint"))
    check_layer(raw, binary)
    stored = set(os.listdir(os.path.join(layout, "blobs", "sha256")))
    wanted = {d["digest"][7:] for d in [mdesc, manifest["config"]] + manifest["layers"]}
    if stored != wanted:
        fail("blobs/sha256 holds %d files, the image references %d" % (len(stored), len(wanted)))
    print("ok " + mdesc["digest"])


if __name__ == "__main__":
    main()
