// A minimal protocol family for the socket-side fuzz targets, written only
// against the ABI, as a protocol-family NKE would be: family 41 ("fuzz"),
// one SOCK_DGRAM protocol (1) whose pru_attach reserves the buffers and
// records the socket, so a target can map a descriptor to its struct socket
// and walk its filter chain with so_getext.  Registered once per process.
#pragma once

#include <cstdint>

#include <nke/nke.h>

namespace nke::fuzz {

constexpr int kFzFamily = 41;
constexpr int kFzProto = 1;

// Registers the domain on first use (aborts if the stack refuses it).
struct protosw *fz_protosw();
// The socket the last successful pru_attach on this thread saw.
struct socket *fz_last_attached();

}  // namespace nke::fuzz
