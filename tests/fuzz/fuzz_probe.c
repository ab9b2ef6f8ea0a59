/* SPDX-License-Identifier: MIT */
/*
 * Configure-time probe: meson links this with clang -fsanitize=fuzzer to
 * learn whether libFuzzer is installed. Not part of any build.
 */
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)data;
	(void)size;
	return 0;
}
