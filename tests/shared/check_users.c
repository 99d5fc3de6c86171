/*
 * tests/shared/check_users.c - root and two unprivileged users at once.
 * (The tests come in the next commit.)
 */
#include "shared.h"

Suite *
users_suite(void)
{
    return suite_create("users");
}
