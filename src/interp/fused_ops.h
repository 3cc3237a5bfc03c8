/* SPDX-License-Identifier: MIT */
/* The fused operations (see INTERP_FUSED in interp.h); part of exec.h. */
