# Device drivers.
KERNEL_OBJS += drivers/serial.o drivers/fbcon.o drivers/fbcon_render.o drivers/font8x16.o drivers/acpi.o drivers/acpi_tables.o
# Real-time clock and console I/O for user programs.
KERNEL_OBJS += drivers/rtc.o drivers/rtc_test.o drivers/console_io.o drivers/console_dev.o
# The memory character devices (/dev/null, zero, full, random, urandom).
KERNEL_OBJS += drivers/mem_devices.o
