// mediasoup >= 3.16 is written against versatica's libsrtp 3.0 fork; Debian 12
// ships libsrtp 2.5. The differences mediasoup hits are bridged here, in C++
// overloads next to the C functions, rather than by editing mediasoup's
// sources:
// - libsrtp 3 protects out of place with size_t lengths, libsrtp 2 in place
//   with int lengths;
// - libsrtp 3 renamed srtp_remove_stream() to srtp_stream_remove();
// - libsrtp 3 added two error codes (mediasoup names them in its error table).
// Only C++ units use this dependency, so the header is C++ only.
#pragma once

#include <srtp.h>

#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>

// Values past libsrtp 2's last code (srtp_err_status_pkt_idx_adv = 27), so
// they cannot be mistaken for a libsrtp 2 error.
constexpr srtp_err_status_t srtp_err_status_buffer_small = static_cast<srtp_err_status_t>(28);
constexpr srtp_err_status_t srtp_err_status_cryptex_err  = static_cast<srtp_err_status_t>(29);

namespace srtp3_compat
{
	// Runs a libsrtp 2 in-place operation with libsrtp 3's calling convention.
	// `out` may be `in` (mediasoup decrypts in place). `reserveLen` is what the
	// operation may append, which libsrtp 2 writes past the packet unchecked.
	template<typename InPlaceOperation>
	inline srtp_err_status_t RunInPlace(
	  InPlaceOperation operation,
	  const uint8_t* in,
	  size_t inLen,
	  uint8_t* out,
	  size_t* outLen,
	  size_t reserveLen)
	{
		if (inLen > static_cast<size_t>(INT_MAX) - reserveLen || *outLen < inLen + reserveLen)
		{
			return srtp_err_status_buffer_small;
		}

		if (out != in)
		{
			std::memmove(out, in, inLen);
		}

		int len                     = static_cast<int>(inLen);
		const srtp_err_status_t err = operation(out, &len);

		if (err == srtp_err_status_ok)
		{
			*outLen = static_cast<size_t>(len);
		}

		return err;
	}
} // namespace srtp3_compat

// mediasoup never uses MKI and always passes index 0; anything else would be
// silently ignored by libsrtp 2's non-MKI calls, so it is refused.
inline srtp_err_status_t srtp_protect(
  srtp_t ctx, const uint8_t* rtp, size_t rtpLen, uint8_t* srtp, size_t* srtpLen, size_t mkiIndex)
{
	if (mkiIndex != 0)
	{
		return srtp_err_status_bad_mki;
	}

	return srtp3_compat::RunInPlace(
	  [ctx](uint8_t* packet, int* len) { return srtp_protect(ctx, packet, len); },
	  rtp,
	  rtpLen,
	  srtp,
	  srtpLen,
	  SRTP_MAX_TRAILER_LEN);
}

inline srtp_err_status_t srtp_unprotect(
  srtp_t ctx, const uint8_t* srtp, size_t srtpLen, uint8_t* rtp, size_t* rtpLen)
{
	return srtp3_compat::RunInPlace(
	  [ctx](uint8_t* packet, int* len) { return srtp_unprotect(ctx, packet, len); },
	  srtp,
	  srtpLen,
	  rtp,
	  rtpLen,
	  0);
}

inline srtp_err_status_t srtp_protect_rtcp(
  srtp_t ctx, const uint8_t* rtcp, size_t rtcpLen, uint8_t* srtcp, size_t* srtcpLen, size_t mkiIndex)
{
	if (mkiIndex != 0)
	{
		return srtp_err_status_bad_mki;
	}

	// SRTCP appends its 4-byte index besides the trailer (libsrtp 2's
	// documented requirement for the room after an RTCP packet).
	return srtp3_compat::RunInPlace(
	  [ctx](uint8_t* packet, int* len) { return srtp_protect_rtcp(ctx, packet, len); },
	  rtcp,
	  rtcpLen,
	  srtcp,
	  srtcpLen,
	  SRTP_MAX_TRAILER_LEN + 4);
}

inline srtp_err_status_t srtp_unprotect_rtcp(
  srtp_t ctx, const uint8_t* srtcp, size_t srtcpLen, uint8_t* rtcp, size_t* rtcpLen)
{
	return srtp3_compat::RunInPlace(
	  [ctx](uint8_t* packet, int* len) { return srtp_unprotect_rtcp(ctx, packet, len); },
	  srtcp,
	  srtcpLen,
	  rtcp,
	  rtcpLen,
	  0);
}

inline srtp_err_status_t srtp_stream_remove(srtp_t session, uint32_t ssrc)
{
	return srtp_remove_stream(session, ssrc);
}
