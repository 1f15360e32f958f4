"""Putting the Excel add-in where Excel loads it for this user, and checking what a PC has (`addin install`,
`doctor`): paths, the xlwings configuration file, the install record."""
