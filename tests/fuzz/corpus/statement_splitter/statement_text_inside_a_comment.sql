L
/*“*/; /*1lk! VALUES *'itË\'quoue\''); /“**!"ÿÿÿÿÿÿÿÿÞßš‡ÿœ*//; * SELKCTcommenT