"""The Excel ribbon (绩效自评 tab): its text sources and the builder of the .xlsm template and .xlam add-in."""
