# Security: CSPRNG and its entropy, stack protector, W^X audit.
KERNEL_OBJS += security/entropy.o security/random.o security/stack_protector.o \
	security/wx_audit.o security/security_test.o
KERNEL_OBJS += security/sys_getrandom.o
# Descriptor rights and capability mode (Zero-OS's own calls).
KERNEL_OBJS += security/capability.o
