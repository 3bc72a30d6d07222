/* Placeholder: replaced by the generator of docs/compatibility.md. */
int main(void)
{
	return 0;
}
