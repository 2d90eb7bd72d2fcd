/* The inverted control overrides nothing: every entry point forwards. */
#include "control.h"
