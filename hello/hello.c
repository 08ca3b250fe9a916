/* The embedded `hello` image's program: static, no libc, prints a greeting and exits 0. */
#include <stddef.h>

static const char greeting[] =
    "Hello from podpy!\n"
    "This message shows that your installation appears to be working correctly.\n";

static long sys_call3(long n, long a, long b, long c)
{
    long ret;
#if defined(__x86_64__)
    __asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
#elif defined(__aarch64__)
    register long x8 __asm__("x8") = n;
    register long x0 __asm__("x0") = a;
    register long x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c;
    __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
    ret = x0;
#else
#error "unsupported architecture"
#endif
    return ret;
}

#if defined(__x86_64__)
#define SYS_WRITE 1
#define SYS_EXIT_GROUP 231
#else
#define SYS_WRITE 64
#define SYS_EXIT_GROUP 94
#endif

void _start(void)
{
    size_t left = sizeof(greeting) - 1;
    const char *p = greeting;
    while (left > 0) {
        long n = sys_call3(SYS_WRITE, 1, (long)p, (long)left);
        if (n <= 0)
            sys_call3(SYS_EXIT_GROUP, 1, 0, 0);
        p += n;
        left -= (size_t)n;
    }
    sys_call3(SYS_EXIT_GROUP, 0, 0, 0);
    for (;;) {
    }
}
