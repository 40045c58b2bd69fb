#!/usr/bin/env bash
# Regenerates Sources/NeuralNetwork/ONNX/onnx.pb.swift from Scripts/onnx/onnx.proto.
#
# Source of onnx.proto: the `onnx` Python wheel, version 1.23.2
#   (file onnx/onnx.proto inside the installed package,
#    sha256 547214dd049486a4d5ecbae593e9c72d90b5e8d603944b722eff469e0b5a9cc9).
# To update it: pip install onnx==<version> and copy
#   "$(python3 -c 'import onnx,os;print(os.path.dirname(onnx.__file__))')/onnx.proto"
# over Scripts/onnx/onnx.proto, then update the version/hash above and rerun this script.
#
# Requirements:
#   - protoc (Debian/Ubuntu: `apt-get install protobuf-compiler`; last run with libprotoc 3.21.12)
#   - protoc-gen-swift from apple/swift-protobuf 1.39.0, the same version the package
#     depends on for the SwiftProtobuf runtime. Set PROTOC_GEN_SWIFT to an existing binary,
#     otherwise this script clones swift-protobuf at tag 1.39.0 into a temporary directory
#     and builds it there (`swift build -c release --product protoc-gen-swift`, ~1-2 min).
#
# Usage (from anywhere):
#   Scripts/onnx/generate-swift.sh
#   PROTOC_GEN_SWIFT=/path/to/protoc-gen-swift Scripts/onnx/generate-swift.sh
set -euo pipefail

SWIFT_PROTOBUF_VERSION="1.39.0"
SWIFT_PROTOBUF_URL="${SWIFT_PROTOBUF_URL:-https://github.com/apple/swift-protobuf.git}"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "${SCRIPT_DIR}/../.." && pwd)"
cd "${REPO_ROOT}"

PROTO_DIR="Scripts/onnx"
OUT_DIR="Sources/NeuralNetwork/ONNX"

if ! command -v protoc >/dev/null 2>&1; then
  echo "error: protoc not found (install it, e.g. 'apt-get install protobuf-compiler')" >&2
  exit 1
fi

TMP_DIR=""
cleanup() {
  if [[ -n "${TMP_DIR}" ]]; then rm -rf "${TMP_DIR}"; fi
}
trap cleanup EXIT

if [[ -z "${PROTOC_GEN_SWIFT:-}" ]]; then
  TMP_DIR="$(mktemp -d)"
  echo "Building protoc-gen-swift ${SWIFT_PROTOBUF_VERSION} in ${TMP_DIR} ..." >&2
  git -c advice.detachedHead=false clone --quiet --depth 1 \
    --branch "${SWIFT_PROTOBUF_VERSION}" "${SWIFT_PROTOBUF_URL}" "${TMP_DIR}/swift-protobuf"
  swift build --package-path "${TMP_DIR}/swift-protobuf" -c release --product protoc-gen-swift >&2
  PROTOC_GEN_SWIFT="$(swift build --package-path "${TMP_DIR}/swift-protobuf" -c release --show-bin-path)/protoc-gen-swift"
fi

if [[ ! -x "${PROTOC_GEN_SWIFT}" ]]; then
  echo "error: PROTOC_GEN_SWIFT=${PROTOC_GEN_SWIFT} is not an executable" >&2
  exit 1
fi

PLUGIN_VERSION="$("${PROTOC_GEN_SWIFT}" --version | awk '{print $NF}')"
if [[ "${PLUGIN_VERSION}" != "${SWIFT_PROTOBUF_VERSION}" ]]; then
  echo "error: ${PROTOC_GEN_SWIFT} is version ${PLUGIN_VERSION}, expected ${SWIFT_PROTOBUF_VERSION}" >&2
  exit 1
fi

echo "Using $(protoc --version) and protoc-gen-swift ${PLUGIN_VERSION}" >&2

mkdir -p "${OUT_DIR}"
protoc \
  --plugin=protoc-gen-swift="${PROTOC_GEN_SWIFT}" \
  --swift_out="${OUT_DIR}" \
  --swift_opt=Visibility=Internal \
  --proto_path="${PROTO_DIR}" \
  onnx.proto

echo "Wrote ${OUT_DIR}/onnx.pb.swift" >&2
