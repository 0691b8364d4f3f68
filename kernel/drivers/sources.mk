# Device drivers.
KERNEL_OBJS += drivers/serial.o drivers/fbcon.o drivers/fbcon_render.o drivers/font8x16.o drivers/acpi.o drivers/acpi_tables.o
