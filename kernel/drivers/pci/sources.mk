# PCI: enumeration and config space (pci.c), MSI-X and MSI (pci_msi.c).
KERNEL_OBJS += drivers/pci/pci.o drivers/pci/pci_msi.o
