"""Channel rules: what a reply may say on Amazon, eBay, AliExpress, Etsy, Walmart or in the shop's own mail."""
