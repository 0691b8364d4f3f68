# Device drivers.
KERNEL_OBJS += drivers/serial.o drivers/fbcon.o drivers/fbcon_render.o drivers/font8x16.o drivers/acpi.o drivers/acpi_tables.o
# Real-time clock and console I/O.
KERNEL_OBJS += drivers/rtc.o drivers/rtc_test.o drivers/console_io.o
# Terminals: the line discipline, the tty core and its ioctls, the PS/2 keyboard.
KERNEL_OBJS += drivers/n_tty.o drivers/tty.o drivers/tty_ioctl.o drivers/pty.o drivers/ps2kbd.o \
	drivers/ps2kbd_keymap.o
# The memory character devices (/dev/null, zero, full, random, urandom).
KERNEL_OBJS += drivers/mem_devices.o
