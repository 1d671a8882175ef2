/* The program the firmware runs, linked into the .program section (QSPI
 * flash in board/mps3_an547.ld). ETB_PROGRAM_FILE is the path of the
 * .pte/.bpte, given by the build; the runtime needs 16-byte alignment and
 * bundled programs keep their embedded program 32-byte aligned. */
  .section .etb_program, "a"
  .balign 64
  .global etb_program_start
  .global etb_program_end
etb_program_start:
  .incbin ETB_PROGRAM_FILE
etb_program_end:
  .byte 0
