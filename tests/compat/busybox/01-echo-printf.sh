# echo and printf: flags, escapes, formats, field widths, reused formats.
echo hello world
echo -n no-newline; echo '|'
echo -e 'tab\there\nnext line'
echo -e 'octal \0101 and \x42'
echo "  spaces   kept  "
echo 'single $HOME quoted'
echo a\ b\\c
printf '%s|%s\n' one two
printf '%d %i %5d|%-5d|%05d\n' 42 -7 3 3 3
printf '%x %X %o %#x %#o\n' 255 255 8 255 8
printf '%c%c%c\n' abc def ghi
printf '%.3f %8.2f %e\n' 3.14159 2.5 12345.678
printf '%s\n' a b c
printf '[%5s][%-5s][%.2s]\n' ab ab abcdef
printf '100%%\n'
printf 'no args: %s|\n'
printf '%b\n' 'esc\tb'
printf '%d\n' 0x1f 010 "'A"
printf '%s' 'tail'; echo
printf 'bad %d\n' abc 2>err; echo "status $?"; cat err
