/* keyring.c -- placeholder while it is written (see keyring.h). */
#include "keyring.h"
