/* SPDX-License-Identifier: MIT */
#include "verifier/state.h"
