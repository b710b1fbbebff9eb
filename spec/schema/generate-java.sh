#!/bin/sh
# Regenerates the Java code for the normative schema, with Debian's flatc 2.0.8 (package
# flatbuffers-compiler), into reference-impl/src/generated/java. The output is committed; the build
# regenerates it into a temporary folder and fails if the committed code differs (see
# reference-impl/src/test/java/dev/hyphae/codec/GeneratedCodeTest.java). The same folder holds
# dev/hyphae/codec/Schema.java, the schema's field ids and sizes for the decoders, which SchemaTest generates
# without flatc (see CONTRIBUTING.md, "Changing the schema"); this script leaves it alone.
#
# Usage: spec/schema/generate-java.sh [OUTPUT_DIR]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-"$here/../../reference-impl/src/generated/java"}
flatc --version | grep -q '^flatc version 2\.0\.8$' || { echo "need flatc 2.0.8, found: $(flatc --version)" >&2; exit 2; }
rm -rf "$out/hyphae"
flatc --java -o "$out" "$here"/*.fbs
