/* 9P2000.L codec: being written. */
typedef int p9_placeholder;
